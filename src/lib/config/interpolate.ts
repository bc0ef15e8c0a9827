export type Environment = Readonly<Record<string, string | undefined>>

export interface Interpolated {
  value: string
  /** Names of the variables the text refers to. */
  variables: string[]
  /** Names of the variables that are not set (the value is then incomplete). */
  missing: string[]
}

const REFERENCE = /\$\$\{|\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g

/**
 * Replaces every `${NAME}` with the environment variable NAME. `$${` stands for a literal `${`, so a value
 * that needs the characters themselves (an agent setting, a password) can still be written.
 */
export function interpolate(text: string, env: Environment): Interpolated {
  const variables: string[] = []
  const missing: string[] = []
  const value = text.replace(REFERENCE, (match, name: string | undefined) => {
    if (name === undefined) return '${'
    variables.push(name)
    const replacement = env[name]
    if (replacement === undefined) {
      missing.push(name)
      return match
    }
    return replacement
  })
  return {value, variables, missing}
}

/** `${...}` that is not a well-formed reference, e.g. `${1ST}` or an unclosed `${TOKEN`. */
export function findMalformedReference(text: string): string | undefined {
  const stripped = text.replace(REFERENCE, '')
  const match = /\$\{[^}]*\}?/.exec(stripped)
  return match?.[0]
}

/** The broker's example writes `api_token: DIGITALOCEAN_API_TOKEN`: a bare variable name means "read it". */
export function isBareVariableName(text: string): boolean {
  return /^[A-Z][A-Z0-9_]*$/.test(text)
}
