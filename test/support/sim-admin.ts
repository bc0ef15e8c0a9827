/**
 * The simulator's admin API, called as any client must call it (docs/simulator.md, "The admin API"): with the
 * simulator's token, and a JSON body declared as JSON. One place for every test and helper.
 */
export function simAdminFetch(sim: {url: string; token: string}, method: string, path: string, body?: unknown): Promise<Response> {
  return fetch(`${sim.url}/__sim/${path.replace(/^\/?(__sim\/)?/, '')}`, {
    method,
    headers: {authorization: `Bearer ${sim.token}`, ...(method === 'POST' ? {'content-type': 'application/json'} : {})},
    body: body === undefined ? undefined : JSON.stringify(body),
  })
}

/** The admin API's JSON answer. */
export async function simAdmin(sim: {url: string; token: string}, method: string, path: string, body?: unknown): Promise<Record<string, unknown>> {
  return (await (await simAdminFetch(sim, method, path, body)).json()) as Record<string, unknown>
}
