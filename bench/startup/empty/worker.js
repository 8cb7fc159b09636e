// `npm run bench:startup`'s empty Worker: no imports, one reply.
export default {
  fetch: () => new Response("ok"),
};
