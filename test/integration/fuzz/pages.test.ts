/** FUZZ-02 (test/support/fuzz-endpoints.ts): GET /authorize, GET /.well-known/*, GET /connections. */
import { fuzzEndpoints } from '../../support/fuzz-endpoints.js';

fuzzEndpoints(['GET /authorize', 'GET /.well-known/*', 'GET /connections']);
