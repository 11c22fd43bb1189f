import { renderTable } from './table.js';

describe(renderTable.name, () => {
  it('aligns columns three spaces apart, capitalises headers and prints empty cells as -', () => {
    const sut = renderTable(['id', 'status', 'error'], [
      ['host-1', 'connected', undefined],
      ['host-22', 'error', 'dial\ntimeout'],
    ]);
    expect(sut).toBe(['ID        STATUS      ERROR', 'host-1    connected   -', 'host-22   error       dial timeout', ''].join('\n'));
  });

  it('prints only the header for no rows', () => {
    expect(renderTable(['a', 'bb'], [])).toBe('A   BB\n');
  });
});
