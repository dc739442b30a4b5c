/** Network addresses: allow-list entries, checked by provisioning and enforced by the endpoints. */
package io.datastores.kit.net;
