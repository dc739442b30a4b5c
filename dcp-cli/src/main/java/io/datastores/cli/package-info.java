/** The Java half of ./dcp: publish, tail, the topic catalogue. */
package io.datastores.cli;
