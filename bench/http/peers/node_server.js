// Node's http module peer.
const http = require('http');
const port = Number(process.argv[2] || 8080);
http.createServer((req, res) => {
  if (req.url === '/plaintext') {
    res.writeHead(200, {'Content-Type': 'text/plain; charset=utf-8'});
    res.end('Hello, World!');
  } else if (req.url === '/json') {
    res.writeHead(200, {'Content-Type': 'application/json'});
    res.end(JSON.stringify({message: 'Hello, World!'}));
  } else if (req.url === '/echo' && req.method === 'POST') {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      try {
        const body = JSON.stringify(JSON.parse(Buffer.concat(chunks).toString()));
        res.writeHead(200, {'Content-Type': 'application/json'});
        res.end(body);
      } catch (e) {
        res.writeHead(400);
        res.end();
      }
    });
  } else {
    res.writeHead(404);
    res.end();
  }
}).listen(port, '127.0.0.1');
