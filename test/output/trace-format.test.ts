import {describe, expect, it} from 'vitest'

import {redactSecrets} from '../../src/lib/base/secret.js'
import type {HttpExchange} from '../../src/lib/do/trace.js'
import type {SshExchange} from '../../src/lib/ssh/trace.js'
import {FILE_BODY_LIMIT, httpTraceJson, httpTraceText, STDERR_BODY_LIMIT, sshTraceJson, sshTraceText} from '../../src/lib/output/trace-format.js'
import {shellQuote} from '../../src/lib/text/shell.js'

const TOKEN = 'dop_v1_trace_format_token_0123456789'
const TS_KEY = `tskey-auth-k1'"$x-trace`
const redact = (text: string) => redactSecrets(text, [TOKEN, TS_KEY])

const AT = Date.UTC(2026, 11, 4, 12, 0, 0)

function exchange(overrides: Partial<HttpExchange> = {}): HttpExchange {
  return {
    startedAt: AT,
    method: 'GET',
    url: 'https://api.example/v2/droplets?page=1&per_page=200',
    attempt: 1,
    status: 200,
    durationMs: 12,
    responseHeaders: new Headers({'content-type': 'application/json', 'x-request-id': 'req-1', 'ratelimit-limit': '5000', 'ratelimit-remaining': '4999', 'ratelimit-reset': '1700000000', 'set-cookie': 'session=abc'}),
    error: null,
    retry: 'none',
    requestBody: null,
    responseBody: '{"droplets":[],"meta":{"total":0}}',
    ...overrides,
  }
}

const ssh: SshExchange = {startedAt: AT, member: 'velda-ab12-1', address: '127.1.0.2', argv: ['ssh', '-o', 'LogLevel=ERROR', '-l', 'root', '--', '127.1.0.2', 'echo hi'], exitCode: 0, stdoutBytes: 3, stderrBytes: 0, durationMs: 40}

describe('the trace line on stderr', () => {
  it.each([
    ['an answer', exchange(), 'trace: GET https://api.example/v2/droplets?page=1&per_page=200 -> 200 in 12ms, attempt 1, request id req-1, ratelimit 4999/5000 reset 1700000000, retry: none\n'],
    [
      'a 503 that will be retried, its request id in the body',
      exchange({status: 503, responseHeaders: new Headers({'content-type': 'application/json'}), responseBody: '{"id":"service_unavailable","message":"busy","request_id":"req-body"}', retry: 'waiting 0.4s before attempt 2 of 5'}),
      'trace: GET https://api.example/v2/droplets?page=1&per_page=200 -> 503 in 12ms, attempt 1, request id req-body, retry: waiting 0.4s before attempt 2 of 5\n',
    ],
    [
      'no answer',
      exchange({status: null, responseHeaders: null, responseBody: null, error: 'no answer from api.example within 30s', attempt: 5, retry: 'gave up: gave up after 5 attempts'}),
      'trace: GET https://api.example/v2/droplets?page=1&per_page=200 -> no answer (no answer from api.example within 30s) in 12ms, attempt 5, request id -, retry: gave up: gave up after 5 attempts\n',
    ],
  ])('%s', (_name, given, line) => {
    expect(httpTraceText(given, 'headers', redact)).toBe(line)
  })

  it('adds the bodies with =body, compact, the secrets of a boot script redacted', () => {
    const userData = `#!/bin/bash\nTAILSCALE_AUTHKEY=${shellQuote(TS_KEY)}\n`
    const text = httpTraceText(exchange({method: 'POST', url: 'https://api.example/v2/droplets', status: 202, requestBody: JSON.stringify({name: 'a', user_data: userData}), responseBody: '{\n  "droplet": {"id": 1}\n}'}), 'body', redact)
    const lines = text.split('\n')
    expect(lines[1]).toBe(String.raw`trace:   request body: {"name":"a","user_data":"#!/bin/bash\nTAILSCALE_AUTHKEY='<redacted>'\n"}`)
    expect(lines[2]).toBe('trace:   response body: {"droplet":{"id":1}}')
    expect(text).not.toContain('tskey-auth')
  })

  it('shows no escape sequence a server sent, and keeps each line one line', () => {
    const text = httpTraceText(exchange({status: 502, responseHeaders: new Headers({'content-type': 'text/html'}), responseBody: '<html>\n\u001b[2J\u202eevil</html>'}), 'body', redact)
    expect(text).toContain(String.raw`response body: <html>\n\x1b[2J\u202eevil</html>`)
    expect(text.split('\n')).toHaveLength(4)
  })

  it(`cuts a body past ${STDERR_BODY_LIMIT / 1024} KiB, and says how much went`, () => {
    const body = JSON.stringify({droplets: 'x'.repeat(STDERR_BODY_LIMIT)})
    const line = httpTraceText(exchange({responseBody: body}), 'body', redact).split('\n')[2] ?? ''
    expect(line).toMatch(new RegExp(`… \\[${body.length - STDERR_BODY_LIMIT} more characters cut by velda-do's trace\\]$`))
    expect(line.length).toBeLessThan(STDERR_BODY_LIMIT + 200)
  })

  it('tells an ssh run: member, address, exit code, bytes, duration and the argv as typed', () => {
    expect(sshTraceText(ssh, redact)).toBe("trace: ssh velda-ab12-1 (127.1.0.2) -> exit 0 in 40ms, stdout 3 bytes, stderr 0 bytes: ssh -o LogLevel=ERROR -l root -- 127.1.0.2 'echo hi'\n")
    expect(sshTraceText({...ssh, exitCode: null, stdoutBytes: null, stderrBytes: null}, redact)).toContain('-> ended by a signal in 40ms, stdout on the terminal, stderr on the terminal:')
  })

  it('redacts a secret in an ssh argv', () => {
    expect(sshTraceText({...ssh, argv: ['ssh', '--', '127.1.0.2', `echo ${TOKEN}`]}, redact)).toContain("'echo <redacted>'")
  })
})

describe('the trace file\'s JSON line', () => {
  it('has exactly the fields of the format, one object on one line', () => {
    const line = httpTraceJson(exchange(), redact)
    expect(line).not.toContain('\n')
    expect(JSON.parse(line)).toEqual({
      v: 1,
      kind: 'http',
      at: '2026-12-04T12:00:00.000Z',
      method: 'GET',
      url: 'https://api.example/v2/droplets?page=1&per_page=200',
      attempt: 1,
      status: 200,
      duration_ms: 12,
      request_id: 'req-1',
      ratelimit: {limit: '5000', remaining: '4999', reset: '1700000000'},
      retry: 'none',
      error: null,
      request_body: null,
      // Only the headers that say what came: no cookie.
      response_headers: {'content-type': 'application/json', 'x-request-id': 'req-1', 'ratelimit-limit': '5000', 'ratelimit-remaining': '4999', 'ratelimit-reset': '1700000000'},
      response_body: {droplets: [], meta: {total: 0}},
    })
  })

  it.each([
    ['JSON', '{"a":1}', {a: 1}],
    ['text that is not JSON', '<html>busy</html>', '<html>busy</html>'],
    ['an empty body', '', null],
    ['no body', null, null],
    ['a secret inside a JSON string', JSON.stringify({message: `bad token ${TOKEN}`}), {message: 'bad token <redacted>'}],
  ])('keeps %s as its value', (_name, body, value) => {
    expect(JSON.parse(httpTraceJson(exchange({responseBody: body}), redact)).response_body).toEqual(value)
  })

  it('keeps the request body of a create, the Tailscale key in its boot script redacted', () => {
    const body = JSON.stringify({name: 'a', user_data: `TAILSCALE_AUTHKEY=${shellQuote(TS_KEY)}\n`})
    const line = httpTraceJson(exchange({method: 'POST', requestBody: body}), redact)
    expect(line).not.toContain('tskey-auth')
    expect(JSON.parse(line).request_body).toEqual({name: 'a', user_data: "TAILSCALE_AUTHKEY='<redacted>'\n"})
  })

  it(`keeps a body up to ${FILE_BODY_LIMIT / 1024 / 1024} MiB whole, and cuts a longer one to a string with a marker`, () => {
    const whole = JSON.stringify({droplets: 'x'.repeat(FILE_BODY_LIMIT - 20)})
    expect(JSON.parse(httpTraceJson(exchange({responseBody: whole}), redact)).response_body).toEqual(JSON.parse(whole))
    const long = JSON.stringify({droplets: 'x'.repeat(FILE_BODY_LIMIT)})
    const kept = JSON.parse(httpTraceJson(exchange({responseBody: long}), redact)).response_body as string
    expect(kept.startsWith(long.slice(0, FILE_BODY_LIMIT))).toBe(true)
    expect(kept.endsWith(`… [${long.length - FILE_BODY_LIMIT} more characters cut by velda-do's trace]`)).toBe(true)
  })

  it('redacts a secret before cutting: a secret across the cut is never left half there', () => {
    const body = 'x'.repeat(FILE_BODY_LIMIT - 10) + TOKEN
    const kept = JSON.parse(httpTraceJson(exchange({responseBody: body}), redact)).response_body as string
    expect(kept).not.toContain(TOKEN.slice(0, 10))
  })

  it('tells an ssh run as the format says', () => {
    expect(JSON.parse(sshTraceJson(ssh, redact))).toEqual({v: 1, kind: 'ssh', at: '2026-12-04T12:00:00.000Z', member: 'velda-ab12-1', address: '127.1.0.2', argv: ssh.argv, exit_code: 0, stdout_bytes: 3, stderr_bytes: 0, duration_ms: 40})
  })
})
