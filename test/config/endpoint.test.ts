import {describe, expect, it} from 'vitest'

import {endpointProblem, redactCredentials} from '../../src/lib/config/endpoint.js'
import {isLoopbackHost} from '../../src/lib/net/loopback.js'
import {UsageError} from '../../src/lib/base/errors.js'
import {resolveEndpoint} from '../../src/lib/config/resolve-settings.js'

describe('endpointProblem', () => {
  it.each([
    'https://api.digitalocean.com',
    'https://api-amd.digitalocean.com/',
    'https://api.digitalocean.com:8443',
    'http://127.0.0.1:8080',
    'http://127.0.0.1:8080//',
    'http://127.9.9.9',
    'http://localhost:3000',
    'http://[::1]:3000',
  ])('accepts %s', (value) => {
    expect(endpointProblem(value)).toBeUndefined()
  })

  it.each([
    ['api.digitalocean.com', /is not an absolute URL/, /https:\/\/api\.digitalocean\.com/],
    ['ftp://api.digitalocean.com', /is not an http\(s\) URL/, undefined],
    ['http://api.example.com', /^http:\/\/api\.example\.com is plain http: the API token would cross the network unencrypted/, /^write https:\/\/api\.example\.com$/],
    ['http://10.0.0.5:8080', /plain http/, /^write https:\/\/10\.0\.0\.5:8080$/],
    ['http://0.0.0.0:8080', /plain http/, undefined],
    ['http://localhost.example.com', /plain http/, undefined],
    ['http://[::2]:80', /plain http/, undefined],
    ['https://user:secret@api.digitalocean.com', /^"https:\/\/<credentials>@api\.digitalocean\.com" carries a user name or password/, /^write https:\/\/api\.digitalocean\.com and put the API token in DIGITALOCEAN_API_TOKEN$/],
    ['http://user:secret@127.0.0.1:9/', /carries a user name or password/, /^write http:\/\/127\.0\.0\.1:9 /],
    ['http://:secret@127.0.0.1:9/', /carries a user name or password/, undefined],
    ['https://api.digitalocean.com/?token=secret', /^the endpoint https:\/\/api\.digitalocean\.com\/ has a query string or fragment/, /^write https:\/\/api\.digitalocean\.com$/],
    ['https://api.digitalocean.com#secret', /has a query string or fragment/, undefined],
    ['https://api.digitalocean.com/?', /has a query string or fragment/, undefined],
    ['https://api.digitalocean.com/v2', /has a path; the endpoint is only scheme and host/, /^write https:\/\/api\.digitalocean\.com$/],
    ['https://api.digital\nocean.com', /has a control character/, undefined],
    ['user:secret@host', /not an http\(s\) URL/, undefined],
    ['http://user:sec@ret@ host', /is not an absolute URL/, undefined],
    ['http://127.0.0.1:6000', /^http:\/\/127\.0\.0\.1:6000 is on port 6000, which Node refuses to connect to \(the "bad ports" of the Fetch standard/, /^use another port/],
    ['https://api.example.com:6667/', /is on port 6667, which Node refuses to connect to/, undefined],
  ])('refuses %j', (value, message, fix) => {
    const problem = endpointProblem(value)
    expect(problem?.message).toMatch(message)
    if (fix) expect(problem?.fix).toMatch(fix)
    expect(JSON.stringify(problem)).not.toContain('secret')
  })
})

describe('isLoopbackHost', () => {
  it.each([
    ['127.0.0.1', true],
    ['127.255.0.1', true],
    ['localhost', true],
    ['[::1]', true],
    ['128.0.0.1', false],
    ['127.0.0.1.example.com', false],
    ['localhost.example.com', false],
    ['0.0.0.0', false],
  ])('%s → %s', (host, loopback) => {
    expect(isLoopbackHost(host)).toBe(loopback)
  })
})

describe('redactCredentials', () => {
  it.each([
    ['http://user:secret@127.0.0.1:9/', 'http://<credentials>@127.0.0.1:9/'],
    ['http://user:p@ss@host', 'http://<credentials>@host'],
    ['user:secret@host', '<credentials>@host'],
    ['https://api.digitalocean.com', 'https://api.digitalocean.com'],
  ])('%s → %s', (text, redacted) => {
    expect(redactCredentials(text)).toBe(redacted)
  })
})

describe('resolveEndpoint', () => {
  function refusal(flag: string | undefined, env: Record<string, string>): UsageError {
    try {
      resolveEndpoint(flag, env, null)
    } catch (error) {
      expect(error).toBeInstanceOf(UsageError)
      return error as UsageError
    }
    throw new Error('the endpoint was accepted')
  }

  it('refuses a bad --api-endpoint or $DIGITALOCEAN_API_ENDPOINT, naming where it came from but not the password', () => {
    const fromFlag = refusal('http://user:secret@127.0.0.1:9/', {})
    expect(fromFlag.message).toBe('--api-endpoint: "http://<credentials>@127.0.0.1:9/" carries a user name or password, which would be sent in clear text and shown in messages')
    expect(fromFlag.suggestions).toEqual(['write http://127.0.0.1:9 and put the API token in DIGITALOCEAN_API_TOKEN'])
    const fromEnv = refusal(undefined, {DIGITALOCEAN_API_ENDPOINT: 'http://api.example.com'})
    expect(fromEnv.message).toMatch(/^\$DIGITALOCEAN_API_ENDPOINT: http:\/\/api\.example\.com is plain http/)
  })

  it('accepts the simulator on this machine and drops trailing slashes', () => {
    expect(resolveEndpoint('http://127.0.0.1:8080/', {}, null)).toEqual({value: 'http://127.0.0.1:8080', source: '--api-endpoint'})
    expect(resolveEndpoint(undefined, {}, null)).toEqual({value: 'https://api-amd.digitalocean.com', source: 'default'})
  })
})
