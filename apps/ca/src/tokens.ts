/** Nest injection token for the active InternalCaService adapter. */
export const CA_ADAPTER = Symbol('CA_ADAPTER');
