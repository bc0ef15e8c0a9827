import {describeFaultMatrix} from './in-process-matrix.js'

describeFaultMatrix('pool reap')
