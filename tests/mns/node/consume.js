#!/usr/bin/env node
'use strict';
// Receive one message with the official @alicloud/mns client (default settings), change its
// visibility, delete it with the new receipt handle, and print one JSON line.
//
//   node consume.js ENDPOINT ACCESS_KEY_ID ACCESS_KEY_SECRET QUEUE_NAME [WAIT_SECONDS]
//
// ENDPOINT is a full URL such as http://127.0.0.1:8080 (the client's `endpoint` option; without it
// the client builds http(s)://{accountId}.mns.{region}.aliyuncs.com). The account id is not sent on
// the wire when a custom endpoint is given; MNS_ACCOUNT_ID overrides the placeholder.
//
// Success: {"body": "...", "messageId": "...", "dequeueCount": 1, "deleted": true}
// Failure: {"error": "MessageNotExist", "message": "...", "stage": "receive"} and exit code 1.
// DEBUG=mns:client,httpx:* shows the requests and responses on stderr.

const MNS = require('@alicloud/mns');

const VISIBILITY_SECONDS = 30;

function emit(doc, exitCode) {
  process.exitCode = exitCode;
  // The client's keep-alive agent may hold an idle socket; leave once the line is written.
  process.stdout.write(JSON.stringify(doc) + '\n', () => process.exit(exitCode));
}

function fail(stage, error, message) {
  emit({error: error, message: message, stage: stage}, 1);
}

// @alicloud/mns throws Error with name `MNS${Code}Error` and message
// "`${method} ${url} failed with ${status}. requestid: .., hostid: .., message: ..`".
// Transport failures keep Node's own names/codes (ECONNREFUSED, RequestTimeoutError, ...).
function errorCode(err) {
  const name = String((err && err.name) || 'Error');
  const match = /^MNS(.+)Error$/.exec(name);
  if (match) {
    return match[1];
  }
  return (err && err.code) || name;
}

// A response without an <Error> document but with a status >= 400, or without the XML body the
// operation needs (the client returns body undefined for a non-XML or empty answer).
function checkResponse(stage, response, needBody) {
  if (response.code >= 400) {
    fail(stage, 'HTTP' + response.code, `status ${response.code} without an MNS <Error> document`);
    return false;
  }
  if (needBody && !response.body) {
    fail(stage, 'EmptyResponse', `status ${response.code} without an XML body`);
    return false;
  }
  return true;
}

async function main(argv) {
  if (argv.length < 4 || argv.length > 5) {
    fail('usage', 'Usage',
      'node consume.js ENDPOINT ACCESS_KEY_ID ACCESS_KEY_SECRET QUEUE_NAME [WAIT_SECONDS]');
    return;
  }
  const [endpointArg, accessKeyId, accessKeySecret, queueName, waitArg] = argv;
  const waitSeconds = waitArg === undefined ? 10 : Number(waitArg);
  if (!Number.isInteger(waitSeconds) || waitSeconds < 0) {
    fail('usage', 'Usage', `WAIT_SECONDS must be a non-negative integer, not ${waitArg}`);
    return;
  }
  // The client builds URLs as endpoint + "/queues/...": no trailing slash.
  const endpoint = endpointArg.replace(/\/+$/, '');

  let stage = 'client';
  try {
    const client = new MNS(process.env.MNS_ACCOUNT_ID || 'emulator', {
      accessKeyId: accessKeyId,
      accessKeySecret: accessKeySecret,
      endpoint: endpoint,
    });

    stage = 'receive';
    // waitSeconds 0 sends no ?waitseconds (the client tests it for truthiness).
    const received = await client.receiveMessage(queueName, waitSeconds);
    if (!checkResponse(stage, received, true)) {
      return;
    }
    const message = received.body;
    let handle = message.ReceiptHandle;

    if (typeof client.changeMessageVisibility === 'function') {
      stage = 'change-visibility';
      const changed = await client.changeMessageVisibility(queueName, handle, VISIBILITY_SECONDS);
      if (!checkResponse(stage, changed, true)) {
        return;
      }
      if (!changed.body.ReceiptHandle) {
        fail(stage, 'MissingReceiptHandle', 'ChangeVisibility answer has no ReceiptHandle');
        return;
      }
      handle = changed.body.ReceiptHandle;
    }

    stage = 'delete';
    const deleted = await client.deleteMessage(queueName, handle);
    if (!checkResponse(stage, deleted, false)) {
      return;
    }

    const count = Number(message.DequeueCount);
    emit({
      body: message.MessageBody,
      messageId: message.MessageId,
      dequeueCount: Number.isNaN(count) ? message.DequeueCount : count,
      deleted: true,
    }, 0);
  } catch (err) {
    fail(stage, errorCode(err), String((err && err.message) || err));
  }
}

main(process.argv.slice(2));
