/** JSON object keys that occur more than once in the same object (JSON.parse hides them: the last one wins). */
export function duplicateJsonKeys(text: string): string[] {
  const duplicates: string[] = []
  const stack: Set<string>[] = []
  const tokens = /"(?:[^"\\]|\\.)*"\s*:|[{}]/g
  for (const match of text.matchAll(tokens)) {
    const token = match[0]
    if (token === '{') stack.push(new Set())
    else if (token === '}') stack.pop()
    else {
      const key = JSON.parse(token.slice(0, token.lastIndexOf(':')).trim()) as string
      const keys = stack[stack.length - 1]
      if (keys?.has(key)) duplicates.push(key)
      keys?.add(key)
    }
  }
  return duplicates
}
