import { PlatformError, type AggregateRef, type EventEnvelope } from '@powernode/contracts';
import type { Decider, NewEvent } from '@powernode/eventstore';

export type CertificateCommand =
  | { type: 'RecordIssuance'; data: Record<string, unknown> & { serial: string } }
  | { type: 'Revoke'; data: { reason: string } };

export interface CertificateState {
  issued: boolean;
  revoked: boolean;
}

export function certificateRef(serial: string): AggregateRef {
  return { context: 'ca', aggregate: 'certificate', id: serial };
}

export function evolveCertificate(state: CertificateState, event: EventEnvelope): CertificateState {
  switch (event.kind) {
    case 'system.ca.certificate.issued':
      return { ...state, issued: true };
    case 'system.ca.certificate.revoked':
      return { ...state, revoked: true };
    default:
      return state;
  }
}

/** A certificate is issued once and revoked at most once (a second revoke records nothing). */
export function decideCertificate(serial: string) {
  return (command: CertificateCommand, state: CertificateState): NewEvent[] => {
    switch (command.type) {
      case 'RecordIssuance':
        if (state.issued) throw new PlatformError('Conflict', `certificate ${serial} already recorded`);
        return [{ kind: 'system.ca.certificate.issued', data: command.data }];
      case 'Revoke':
        if (!state.issued) throw new PlatformError('NotFound', `no certificate with serial ${serial}`, { serial });
        return state.revoked ? [] : [{ kind: 'system.ca.certificate.revoked', data: { serial, reason: command.data.reason } }];
      default: {
        const unreachable: never = command;
        throw new Error(`unknown command ${JSON.stringify(unreachable)}`);
      }
    }
  };
}

export function certificateDecider(serial: string): Decider<CertificateState, CertificateCommand> {
  return { initialState: () => ({ issued: false, revoked: false }), evolve: evolveCertificate, decide: decideCertificate(serial) };
}
