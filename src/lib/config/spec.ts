/**
 * A small description language for the parts of the Velda config that velda-do reads. The decoder walks a
 * YAML document along these specs, so every check reports the exact position of the offending node.
 */
export interface Problem {
  message: string
  fix?: string
}

export type StringCheck = (value: string) => Problem | undefined

export interface StringSpec {
  kind: 'string'
  check?: StringCheck
  /** A secret: kept in a `Secret`, and an unset `${VAR}` in it only matters when the value is needed. */
  secret?: boolean
  /** A secret that may also be written as the bare name of the variable that holds it (`api_token`). */
  bareVariable?: boolean
  /**
   * In a section velda-do only checks for the broker (`server`, `storage`, …): `${...}` is plain text there, as
   * the broker reads it. Elsewhere a non-secret value with `${` is refused: the broker would not expand it.
   */
  literal?: boolean
}

/** int32: a YAML number or a quoted decimal integer (protojson), within [min, max]. Decoded as a number. */
export interface IntSpec {
  kind: 'int'
  min: number
  max: number
}

/** int64: as int32, but decoded as its decimal text (a JavaScript number cannot hold every int64). */
export interface Int64Spec {
  kind: 'int64'
  min: bigint
  max: bigint
}

/** google.protobuf.Duration: only protojson's `"300s"` form. Decoded as the text written. */
export interface DurationSpec {
  kind: 'duration'
}

export interface BoolSpec {
  kind: 'bool'
}

/** A protobuf enum: its value name. */
export interface EnumSpec {
  kind: 'enum'
  values: readonly string[]
}

export interface ListSpec {
  kind: 'list'
  items: Spec
  example: string
}

/** `map<string, string>` (labels): keys as written, values must be strings. */
export interface StringMapSpec {
  kind: 'stringMap'
}

export interface ObjectSpec {
  kind: 'object'
  /** In protobuf field order: the order agent.yaml is written in. */
  fields: Readonly<Record<string, Spec>>
  required?: readonly string[]
  /** Other accepted spellings, e.g. `autoscaler` for `auto_scaler`. */
  aliases?: Readonly<Record<string, string>>
  /**
   * Keys that are valid in the broker's schema but whose content velda-do does not know (other backends and
   * provisioners): skipped, and listed by `config validate` as not checked.
   */
  unchecked?: readonly string[]
  /** Protobuf oneofs: at most one key of each group may be given (protojson refuses two). */
  oneofs?: readonly (readonly string[])[]
  /** What an unknown key is called in messages (`unknown backend "x"`); `key` by default. */
  noun?: string
  /** The fix for an unknown key that is known to belong elsewhere, e.g. `server.default_broker_info`. */
  misplaced?: Readonly<Record<string, string>>
}

export type Spec = StringSpec | IntSpec | Int64Spec | DurationSpec | BoolSpec | EnumSpec | ListSpec | StringMapSpec | ObjectSpec

export function describeSpec(spec: Spec): string {
  switch (spec.kind) {
    case 'string':
      return 'a string'
    case 'int':
    case 'int64':
      return `a whole number from ${spec.min} to ${spec.max}`
    case 'duration':
      return 'a duration in seconds, like "300s"'
    case 'bool':
      return 'true or false'
    case 'enum':
      return `one of ${spec.values.join(', ')}`
    case 'list':
      return `a list, like ${spec.example}`
    case 'stringMap':
      return 'a mapping of strings, like {environment: production}'
    case 'object':
      return 'a mapping'
  }
}
