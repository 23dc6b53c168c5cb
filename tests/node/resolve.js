'use strict';
// Preload (`node --require ./resolve.js conformance.js ...`): makes host names ending in
// `.aliyuncs.com` or `.localhost` resolve to 127.0.0.1 INSIDE this Node process, as a hosts-file entry
// would, so that the OSS clients' default virtual-hosted requests (Host `BUCKET.oss-REGION.aliyuncs.com:PORT`)
// and region endpoints (`oss-REGION.aliyuncs.com:PORT`) reach the local emulator. /etc/hosts is untouched.
//
// Why wrapping `dns.lookup` is enough: every client here ends in Node's `http.request` — ali-oss through
// `urllib` (which passes `lookup: undefined` unless told otherwise), @alicloud/oss-client,
// @alicloud/openapi-client and @alicloud/pop-core through `httpx` — and none of them passes its own
// `lookup` to the socket. `net.connect` then calls `dns.lookup` of the built-in `dns` module *at connect
// time* (lib/net.js reads the property on the shared module object), so replacing the property here,
// before any client connects, takes effect for all of them. Node >= 20 connects with `autoSelectFamily`
// (happy eyeballs), which calls `lookup(host, {all: true}, cb)`: both answer shapes are handled.
// `dns.promises.lookup` is wrapped too, for completeness (none of these clients uses it).
const dns = require('dns');

const SUFFIXES = ['.aliyuncs.com', '.localhost'];
const LOOPBACK = '127.0.0.1';

function local(hostname) {
  const name = String(hostname || '').toLowerCase().replace(/\.$/, '');
  return name === 'localhost' || SUFFIXES.some((suffix) => name.endsWith(suffix));
}

const realLookup = dns.lookup;
function lookup(hostname, options, callback) {
  if (typeof options === 'function') {
    callback = options;
    options = {};
  }
  if (!local(hostname)) {
    return realLookup.call(dns, hostname, options, callback);
  }
  const all = typeof options === 'object' && options !== null && options.all;
  process.nextTick(() => {
    if (all) callback(null, [{ address: LOOPBACK, family: 4 }]);
    else callback(null, LOOPBACK, 4);
  });
  return {};
}
dns.lookup = lookup;

if (dns.promises && typeof dns.promises.lookup === 'function') {
  const realPromisesLookup = dns.promises.lookup;
  dns.promises.lookup = async function (hostname, options) {
    if (!local(hostname)) return realPromisesLookup.call(dns.promises, hostname, options);
    const all = typeof options === 'object' && options !== null && options.all;
    return all ? [{ address: LOOPBACK, family: 4 }] : { address: LOOPBACK, family: 4 };
  };
}

module.exports = { local, LOOPBACK };
