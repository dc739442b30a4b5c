/** The fleet view: facts, the view, its projection. Pure Java. */
package io.datastores.marketplace.domain;
