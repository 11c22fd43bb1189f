/** The schema of the data source a migration or runner works in, so one class serves every service's schema. */
export function schemaOf(connectionOptions: { schema?: string } | object): string {
  const schema = (connectionOptions as { schema?: string }).schema;
  if (!schema) throw new Error('data source has no schema');
  return schema;
}
