'use strict';
// What the relay integration tests share (docs/api/relay.md): the m3u8 record config under which
// relayed streams are recorded (app "relay", `relay/<stream>/...`), the server config section
// that turns the address policy on with one loopback address declared public, and reading tasks
// and their status callbacks.
const m = require('./media.js');

// Records every stream of app "relay" on `domain` as m3u8, 2 s slices, into the local bucket.
function addRelayRecordConfig(api, domain) {
  return api.call('AddLiveAppRecordConfig', { DomainName: domain, AppName: 'relay', StreamName: '*',
    OssEndpoint: 'local', OssBucket: 'records', DelayTime: 1, 'RecordFormat.1.Format': 'm3u8',
    'RecordFormat.1.SliceDuration': 2,
    'RecordFormat.1.OssObjectPrefix': 'relay/{StreamName}/{Sequence}_{EscapedStartTime}_{EscapedEndTime}',
    'RecordFormat.1.SliceOssObjectPrefix': 'relay/{StreamName}/ts/{UnixTimestamp}_{Sequence}' });
}

// The extra config of a server whose address policy is on, with `publicAddress` (a loopback
// address) counted as public, retries after 1 s and fast callbacks.
function policyToml(publicAddress) {
  return `${m.TESTING}min_retry_interval_s = 1
public_addresses = ["${publicAddress}"]

[relay]
allow_private_addresses = false

${m.FAST_CALLBACKS}`;
}

// Reading tasks through `api()` (a client, read when called) in `region`, and the status
// callbacks `receiver()` got from `server()`.
function taskTools({ api, server, receiver, region }) {
  const describeTask = async (TaskId) => (await api().call('DescribeLivePullToPush', { Region: region, TaskId })).body;
  const waitStatus = (TaskId, status, timeoutMs = 20000) => m.waitFor(`task ${TaskId} status ${status}`, async () => {
    const t = await describeTask(TaskId);
    return t.TaskStatus === status ? t : null;
  }, timeoutMs, 50);
  // The task's status callbacks once `count` have arrived and the outbox has nothing pending.
  const statuses = async (TaskId, count) => {
    const of = () => receiver().events.filter((e) => e.TaskId === TaskId);
    await m.waitFor(`${count} callbacks of ${TaskId}`, () => of().length >= count, 5000, 50);
    await m.waitFor('every callback delivered', () => m.inHand(server()).callbacks === 0, 5000, 50);
    return of().map((e) => e.TaskStatus);
  };
  return { describeTask, waitStatus, statuses };
}

module.exports = { addRelayRecordConfig, policyToml, taskTools };
