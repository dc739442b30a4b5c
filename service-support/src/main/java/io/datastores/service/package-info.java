/** Micronaut beans shared by the four services; thin, no domain rule. */
package io.datastores.service;
