// The platform's one MLS cipher suite, defined once in the client library (which runs without the
// server's code) and checked by the server against the same definition.
export { MLS_CIPHER_SUITE, MLS_CIPHER_SUITE_ID, mlsSuite } from "../../client/e2ee/suite";
