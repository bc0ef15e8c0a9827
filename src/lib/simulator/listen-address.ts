import {BlockList, isIPv4, isIPv6} from 'node:net'

import {FETCH_BAD_PORTS, FETCH_BAD_PORTS_REFERENCE, isFetchBadPort} from '../net/bad-ports.js'

/**
 * Where `velda-do simulator` may listen, decided before it does. Pure: nothing is bound or resolved, so tests can
 * ask about any address without listening beyond loopback.
 */

/** Why the simulator cannot listen on `port`, or null: on a port Node's fetch refuses, no velda-do could reach it. */
export function badPortProblem(port: number): {message: string; suggestion: string} | null {
  if (!isFetchBadPort(port)) return null
  return {
    message: `--port ${port} is one of the ports Node's fetch refuses to connect to (${FETCH_BAD_PORTS_REFERENCE}): no velda-do could reach the simulator there`,
    suggestion: `use --port 0 (any free port) or a port not on the list: ${[...FETCH_BAD_PORTS].join(', ')}`,
  }
}

const LOOPBACK = new BlockList()
LOOPBACK.addSubnet('127.0.0.0', 8, 'ipv4')
LOOPBACK.addAddress('::1', 'ipv6')
LOOPBACK.addSubnet('::ffff:127.0.0.0', 104, 'ipv6')

/** 127.0.0.0/8, ::1 (also in brackets, and IPv4-mapped) and localhost: reachable from this machine only. */
export function isLoopbackListenAddress(host: string): boolean {
  const address = host.toLowerCase().replace(/^\[(.*)\]$/, '$1')
  if (address === 'localhost') return true
  if (isIPv4(address)) return LOOPBACK.check(address, 'ipv4')
  if (isIPv6(address)) return LOOPBACK.check(address, 'ipv6')
  return false
}

/**
 * The one line `--host` earns when it is not loopback: the admin API is documented (anyone who reaches the port
 * knows its paths), so the token is all that stands between the network and the simulator's state.
 */
export function exposureWarning(host: string, tokenFixed: boolean): string | null {
  if (isLoopbackListenAddress(host)) return null
  const token = tokenFixed
    ? 'the token is then the only protection, and --token or --seed made it one that can be known or guessed'
    : 'the random token it prints is then the only protection: keep it secret'
  return `Warning: --host ${host} is not a loopback address: the simulator is reachable from the network, with a well-known admin API under /__sim/ that creates, deletes and breaks droplets and shows what clients sent; ${token}.`
}
