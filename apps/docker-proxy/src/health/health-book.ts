/** What this replica's probes saw of one host. Only transitions reach the event log; the counts live here. */
export interface HealthRecord {
  failures: number;
  checkedAt?: string;
  lastError?: string;
}

/** Consecutive probe failures per host. */
export class HealthBook {
  private readonly records = new Map<string, HealthRecord>();

  get(hostId: string): HealthRecord | undefined {
    return this.records.get(hostId);
  }

  succeeded(hostId: string, at: Date): HealthRecord {
    const record: HealthRecord = { failures: 0, checkedAt: at.toISOString() };
    this.records.set(hostId, record);
    return record;
  }

  failed(hostId: string, at: Date, reason: string): HealthRecord {
    const record: HealthRecord = { failures: (this.records.get(hostId)?.failures ?? 0) + 1, checkedAt: at.toISOString(), lastError: reason };
    this.records.set(hostId, record);
    return record;
  }

  forget(hostId: string): void {
    this.records.delete(hostId);
  }
}
