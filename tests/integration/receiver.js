'use strict';
// A callback receiver for the integration tests: an HTTP server on 127.0.0.1 (a free port) that
// answers 200 to every request and keeps each body parsed as JSON (`events`, in arrival order;
// a body that is not JSON is kept as {unparseable}) with the event id and kind headers liverec
// sends and the signature headers of signed callbacks (`requests`: timestamp, signature).
const http = require('node:http');

function startReceiver(urlPath = '/hooks') {
  const events = [];
  const requests = [];
  const srv = http.createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (c) => { body += c; });
    req.on('end', () => {
      let event;
      try { event = JSON.parse(body); } catch { event = { unparseable: body }; }
      events.push(event);
      requests.push({ id: req.headers['x-liverec-event-id'], kind: req.headers['x-liverec-event-kind'], event,
        timestamp: req.headers['ali-live-timestamp'], signature: req.headers['ali-live-signature'] });
      res.writeHead(200);
      res.end('ok');
    });
  });
  return new Promise((resolve) => srv.listen(0, '127.0.0.1', () => resolve({
    srv, events, requests, url: `http://127.0.0.1:${srv.address().port}${urlPath}`,
  })));
}

module.exports = { startReceiver };
