package io.datastores.marketplace.domain;

/**
 * The cloud an instance runs on, as the contract names it ({@code UNKNOWN}: a symbol a newer writer
 * added, which provisioning refuses).
 */
public enum Cloud {
    AWS, AZURE, GCP, DIGITALOCEAN, UNKNOWN
}
