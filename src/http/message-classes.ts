/**
 * The request and response classes the HTTP server builds each request from, whose
 * prototypes the express app takes as its own (issue 18: cost per request).
 *
 * Express gives every request and response its app's prototypes (`Object.setPrototypeOf`
 * in `app.handle`). On V8 an object whose prototype was changed leaves the shared hidden
 * classes of its kind: every property added to it afterwards (the router's, the body
 * parser's, the response's own as it is written) makes a new hidden class for that one
 * object. Every request built several of those, for the garbage collector to collect, and every
 * property access express and node make on a request or response missed its inline caches.
 * Measured in-process on the FUZZ-02 app (test/support/fuzz-endpoints.ts), best of runs:
 * a refused POST /token 173 -> 37 µs of CPU, a 404 77 -> 24 µs, a metadata document 95 -> 20 µs.
 *
 * Here the app's prototypes are these classes' prototypes, with the same chain as the ones
 * express made (express's request and response, then node's) and the same own properties
 * (`app`). A server that builds its messages from these classes (createServer's
 * `IncomingMessage` and `ServerResponse` options) hands express objects that already have
 * the prototypes it sets, and `Object.setPrototypeOf` to the same prototype changes nothing.
 * Messages built otherwise are handled as before.
 */
import { IncomingMessage, ServerResponse } from 'node:http';
import type { Express } from 'express';

export interface MessageClasses {
  IncomingMessage: typeof IncomingMessage;
  ServerResponse: typeof ServerResponse<IncomingMessage>;
}

/** Two fresh subclasses, for one server and the one app it serves (`adoptPrototypes`). */
export function messageClasses(): MessageClasses {
  class AppRequest extends IncomingMessage {}
  class AppResponse extends ServerResponse {}
  return { IncomingMessage: AppRequest, ServerResponse: AppResponse };
}

/** Makes `classes`' prototypes `app`'s request and response prototypes, in place of the ones express made. */
export function adoptPrototypes(app: Express, classes: MessageClasses): void {
  app.request = adopt(classes.IncomingMessage.prototype, app.request) as Express['request'];
  app.response = adopt(classes.ServerResponse.prototype, app.response) as Express['response'];
}

function adopt(proto: object, made: object): object {
  if (Object.hasOwn(proto, 'app')) throw new TypeError('adoptPrototypes: these classes serve another app already');
  Object.setPrototypeOf(proto, Object.getPrototypeOf(made));
  Object.defineProperties(proto, Object.getOwnPropertyDescriptors(made));
  return proto;
}
