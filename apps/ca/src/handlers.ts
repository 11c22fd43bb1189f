import { caActions } from '@powernode/contracts';
import { handle, type ActionHandler, type HandlerContext } from '@powernode/service-kit';
import type { CommandMeta } from '@powernode/eventstore';
import type { CaService } from './ca.service.js';

function meta(ctx: HandlerContext): CommandMeta {
  return { actor: ctx.actor, correlationId: ctx.correlationId, traceparent: ctx.traceparent ?? null };
}

export function caHandlers(ca: CaService): [string, ActionHandler][] {
  return [
    handle(caActions.caGetChain, async () => ({ chain_pem: await ca.adapter.caChain(), ca_adapter: ca.adapter.adapterName })),
    handle(caActions.caListCertificates, async (input) => ({
      certificates: (await ca.list(input)).map(({ public_key_sha256: _k, ...row }) => row),
    })),
    handle(caActions.caRevokeCertificate, (input, ctx) => ca.revoke(input.serial, input.reason, meta(ctx))),
    handle(caActions.caGetCrl, async () => {
      const crl = await ca.adapter.crl();
      return { crl_pem: crl.pem, crl_der_base64: crl.der.toString('base64') };
    }),
    handle(caActions.dockerExportOperatorCert, (input, ctx) => ca.exportOperatorCert(ctx.caller.name, input.ttl, input.csr_pem, meta(ctx))),
    handle(caActions.caSign, (input, ctx) => ca.sign(input.profile, input.csr_pem, input.subject, input.ttl_seconds, meta(ctx))),
    handle(caActions.caStatus, async () => {
      const preflight = await ca.adapter.preflight();
      return {
        ca_adapter: ca.adapter.adapterName,
        can_sign: preflight.canSign,
        chain_valid: preflight.chainValid,
        intermediate_days_left: preflight.intermediateDaysLeft,
        ...(preflight.error ? { error: preflight.error } : {}),
      };
    }),
  ];
}
