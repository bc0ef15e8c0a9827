import type {RequestAdapter} from '@microsoft/kiota-abstractions'

import type {DotsClient} from './dots.js'

export * as abstractions from '@microsoft/kiota-abstractions'
export * as http from '@microsoft/kiota-http-fetchlibrary'
export function createDigitalOceanClient(adapter: RequestAdapter): DotsClient
