/**
 * operator-http.ts's answer writer on a real HTTP server: a Response in the negotiated encoding,
 * and a Response Agora cannot write in protobuf (a bug: a string where Mesos has a message)
 * answered 500 naming the field, never a shortened 200.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import test from 'ava';
import { sendOperatorResponse } from '../../../src/runtime/live/operator-http.js';
import { protobufType } from '../../../src/runtime/live/protobuf/codec.js';
import { send } from './http-client.js';

test('a Response the schema cannot carry is a 500 naming the field; one it can is a 200 in protobuf', async (t) => {
  const server = createServer((req, res) => {
    const broken = req.url === '/broken';
    sendOperatorResponse(
      res,
      { encoding: 'protobuf', side: 'agent' },
      'GET_AGENT',
      'get_agent',
      broken ? { agent_info: 'not a message' } : { agent_info: { hostname: 'h', port: 5051 } },
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  try {
    const broken = await send(`${url}/broken`, { method: 'GET' });
    t.is(broken.status, 500);
    t.regex(broken.text, /^cannot encode Agora's mesos\.v1\.agent\.Response as protobuf: .*agent_info/u);
    const fine = await fetch(`${url}/fine`);
    t.is(fine.status, 200);
    t.is(fine.headers.get('content-type'), 'application/x-protobuf');
    const Response = protobufType('mesos.v1.agent.Response');
    const decoded = Response.toObject(Response.decode(new Uint8Array(await fine.arrayBuffer())), {
      enums: String,
    });
    t.deepEqual(decoded, { type: 'GET_AGENT', get_agent: { agent_info: { hostname: 'h', port: 5051 } } });
  } finally {
    server.close();
  }
});
