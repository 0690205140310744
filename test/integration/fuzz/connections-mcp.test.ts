/** FUZZ-02 (test/support/fuzz-endpoints.ts): GET /connections, POST /mcp without a bearer token, POST /mcp with a bad bearer token. */
import { fuzzEndpoints } from '../../support/fuzz-endpoints.js';

fuzzEndpoints(['GET /connections', 'POST /mcp without a bearer token', 'POST /mcp with a bad bearer token']);
