/**
 * Reads of a scaled-out service: a keyed read is answered by the instance holding its key's
 * partition (or a standby replica's instance when that one is gone), whichever instance it reaches.
 */
package io.datastores.service.routing;
