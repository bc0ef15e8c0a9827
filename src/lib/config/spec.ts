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
}

export interface IntSpec {
  kind: 'int'
  min: number
  max: number
}

export interface BoolSpec {
  kind: 'bool'
}

/** A protobuf enum: its value name. */
export interface EnumSpec {
  kind: 'enum'
  values: readonly string[]
}

/** A droplet image: a slug, or a numeric image id. */
export interface ImageSpec {
  kind: 'image'
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
  /** Keys that are valid in the broker's schema but that velda-do does not read: skipped without checks. */
  ignored?: readonly string[]
}

export type Spec = StringSpec | IntSpec | BoolSpec | EnumSpec | ImageSpec | ListSpec | StringMapSpec | ObjectSpec

export function describeSpec(spec: Spec): string {
  switch (spec.kind) {
    case 'string':
      return 'a string'
    case 'int':
      return `a whole number from ${spec.min} to ${spec.max}`
    case 'bool':
      return 'true or false'
    case 'enum':
      return `one of ${spec.values.join(', ')}`
    case 'image':
      return 'an image slug or a numeric image id'
    case 'list':
      return `a list, like ${spec.example}`
    case 'stringMap':
      return 'a mapping of strings, like {environment: production}'
    case 'object':
      return 'a mapping'
  }
}
