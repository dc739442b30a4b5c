/** The broker of the dev stack and the tests: real Kafka, KRaft, one node. */
package io.datastores.stack;
