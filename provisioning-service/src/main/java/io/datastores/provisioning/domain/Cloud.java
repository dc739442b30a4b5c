package io.datastores.provisioning.domain;

/** Cloud providers; functionality is identical across them. */
public enum Cloud {
    AWS, AZURE, GCP, DIGITALOCEAN
}
