/** OData string literal: the only escape inside single quotes is a doubled quote. */
export function odataStringLiteral(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}

export function userPrincipalNameFilter(userPrincipalName: string): string {
  return `userPrincipalName eq ${odataStringLiteral(userPrincipalName)}`;
}
