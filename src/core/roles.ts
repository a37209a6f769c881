/**
 * Roles: the consumers resources are allocated to. `*` means unreserved.
 * Validation follows Mesos's src/common/roles.cpp `validate`.
 */

/** The role of unreserved resources, and the default role of a resource with none given. */
export const UNRESERVED_ROLE = '*';

/**
 * Checks a role name by Mesos's rules and returns why it is invalid, or undefined if it is
 * valid. `*` is valid; otherwise no leading or trailing `/`, no `//`, and no path component that
 * is empty, `.`, `..` or `*`, starts with `-`, or contains whitespace or a backspace (`\b`, or
 * DEL `\x7f`, which Mesos calls backspace).
 */
export function roleProblem(role: string): string | undefined {
  if (role === UNRESERVED_ROLE) return undefined;
  if (role.length === 0) return 'a role must not be empty';
  if (role.startsWith('/') || role.endsWith('/')) return 'a role must not start or end with "/"';
  if (role.includes('//')) return 'a role must not contain "//"';
  for (const part of role.split('/')) {
    if (part === '.' || part === '..' || part === '*') return `a role component must not be "${part}"`;
    if (part.startsWith('-')) return 'a role component must not start with "-"';
    // Fix: Mesos's INVALID_CHARACTERS also hold \x7f, which src/common/roles.cpp calls
    // "backspace (del)"; rejecting only '\b' (\x08) let such roles through.
    if (/\s/u.test(part) || part.includes('\b') || part.includes('\x7f')) {
      return 'a role must not contain whitespace or backspace';
    }
  }
  return undefined;
}
