#!/usr/bin/env node
// `grpcurl list` for machines without grpcurl: asks a server's reflection service what it serves.
//   node scripts/grpc-list.mjs [host:port]          (default 127.0.0.1:50051)
//   node scripts/grpc-list.mjs [host:port] SERVICE  (the methods of SERVICE)
import { createRequire } from 'node:module';
import { credentials, loadPackageDefinition } from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';

const require = createRequire(import.meta.url);
const address = process.argv[2] ?? '127.0.0.1:50051';
const service = process.argv[3];
const reflectionProto = require.resolve('@grpc/reflection/build/proto/grpc/reflection/v1alpha/reflection.proto');
const pkg = loadPackageDefinition(loadSync(reflectionProto, { keepCase: true, oneofs: true }));
const client = new pkg.grpc.reflection.v1alpha.ServerReflection(address, credentials.createInsecure());

function ask(request) {
  return new Promise((resolve, reject) => {
    const call = client.ServerReflectionInfo();
    call.on('data', (answer) => {
      call.end();
      if (answer.error_response) reject(new Error(answer.error_response.error_message));
      else resolve(answer);
    });
    call.on('error', reject);
    call.write(request);
  });
}

try {
  if (!service) {
    const answer = await ask({ list_services: '' });
    for (const s of answer.list_services_response.service) console.log(s.name);
  } else {
    const answer = await ask({ file_containing_symbol: service });
    const { FileDescriptorProto } = (await import('protobufjs/ext/descriptor/index.js')).default;
    for (const bytes of answer.file_descriptor_response.file_descriptor_proto) {
      const file = FileDescriptorProto.decode(bytes);
      for (const svc of file.service ?? []) {
        if (`${file.package}.${svc.name}` !== service) continue;
        for (const m of svc.method) console.log(`${service}.${m.name}`);
      }
    }
  }
} catch (error) {
  console.error(`grpc-list: ${error.message}`);
  process.exitCode = 1;
} finally {
  client.close();
}
