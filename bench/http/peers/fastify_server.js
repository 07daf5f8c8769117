// fastify peer (from the npm registry, installed by run.sh): logging off,
// its default JSON body parser and serializer.
const fastify = require('fastify')({logger: false});
const port = Number(process.argv[2] || 8080);
fastify.get('/plaintext', async (req, reply) => {
  reply.type('text/plain; charset=utf-8');
  return 'Hello, World!';
});
fastify.get('/json', async () => ({message: 'Hello, World!'}));
fastify.post('/echo', async (req) => req.body);
fastify.listen({port, host: '127.0.0.1'});
