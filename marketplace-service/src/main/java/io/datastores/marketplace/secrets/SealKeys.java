package io.datastores.marketplace.secrets;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.PublicKey;
import java.util.Optional;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.datastores.kit.seal.SealedBox;
import io.datastores.marketplace.domain.MarketplaceState.AdminPassword;
import io.micronaut.context.annotation.Context;
import io.micronaut.context.annotation.Value;

/**
 * The sealing keys between marketplace-service and the local data plane (SealedBox: one reader
 * alone opens what is sealed for it).
 *
 * <ul>
 * <li>marketplace-service's own pair, made at start-up in {@code dcp.marketplace.seal-dir}
 * ({@code seal.key}, owner only; {@code seal.pub}, which the data plane seals the super admin's
 * password for, bound to the instance id). Without the setting, issued passwords cannot be opened
 * and super admin credentials hand out no password, as with the simulator.</li>
 * <li>the data plane's public key, {@code seal.pub} in {@code dcp.marketplace.dataplane-seal-dir},
 * read when first needed (the data plane may make it after marketplace-service starts) and again
 * when the file changes: created credentials are sealed for it, bound to the credential id, so that
 * the data plane can log in with them.</li>
 * </ul>
 * Made with the application context, so that the pair exists once the service is up. A password is
 * never logged, and no error names it.
 */
@Context
public class SealKeys {

    private static final Logger LOG = LoggerFactory.getLogger(SealKeys.class);

    private final SealedBox.KeyPair own;
    private final Path dataPlaneKeyFile;
    private PublicKey dataPlaneKey;
    private FileTime dataPlaneKeyTime;

    public SealKeys(@Value("${dcp.marketplace.seal-dir:}") String sealDir,
            @Value("${dcp.marketplace.dataplane-seal-dir:}") String dataPlaneSealDir) throws IOException {
        if (sealDir == null || sealDir.isBlank()) {
            this.own = null;
            LOG.info("no dcp.marketplace.seal-dir: super admin passwords a local data plane issues cannot be opened");
        } else {
            Path dir = Path.of(sealDir).toAbsolutePath();
            Files.createDirectories(dir);
            this.own = SealedBox.KeyPair.openOrCreate(dir);
            LOG.info("sealing key {} in {}", own.keyId(), dir);
        }
        this.dataPlaneKeyFile = dataPlaneSealDir == null || dataPlaneSealDir.isBlank() ? null
                : Path.of(dataPlaneSealDir).toAbsolutePath().resolve(SealedBox.PUBLIC_KEY_FILE);
    }

    /** A password sealed for the data plane: the sealed box and the key id it is sealed for. */
    public record ForDataPlane(byte[] sealed, String keyId) {
    }

    /** marketplace-service's key id, if it has a pair. */
    public Optional<String> ownKeyId() {
        return Optional.ofNullable(own).map(SealedBox.KeyPair::keyId);
    }

    /**
     * The super admin's password the data plane issued for {@code instanceId}; empty when this
     * service has no pair, or the password was sealed for another key (or altered).
     */
    public Optional<String> openAdminPassword(String instanceId, AdminPassword issued) {
        if (own == null || issued == null || issued.sealedPassword() == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(new String(own.open(issued.sealedPassword(),
                    instanceId.getBytes(StandardCharsets.UTF_8)), StandardCharsets.UTF_8));
        } catch (SealedBox.CannotOpen e) {
            LOG.warn("the super admin password issued for {} does not open with key {}: {}", instanceId,
                    own.keyId(), e.getMessage());
            return Optional.empty();
        }
    }

    /**
     * {@code password} sealed for the data plane, bound to {@code credentialId}; empty when the data
     * plane's public key is not there (no local data plane, or not made yet).
     */
    public Optional<ForDataPlane> sealForDataPlane(String credentialId, String password) {
        return dataPlaneKey().map(key -> new ForDataPlane(SealedBox.seal(key,
                password.getBytes(StandardCharsets.UTF_8), credentialId.getBytes(StandardCharsets.UTF_8)),
                SealedBox.keyId(key)));
    }

    private synchronized Optional<PublicKey> dataPlaneKey() {
        if (dataPlaneKeyFile == null) {
            return Optional.empty();
        }
        try {
            FileTime modified = Files.getLastModifiedTime(dataPlaneKeyFile);
            if (dataPlaneKey == null || !modified.equals(dataPlaneKeyTime)) {
                dataPlaneKey = SealedBox.readPublicKey(dataPlaneKeyFile);
                dataPlaneKeyTime = modified;
                LOG.info("the local data plane's sealing key: {}", SealedBox.keyId(dataPlaneKey));
            }
            return Optional.of(dataPlaneKey);
        } catch (IOException | IllegalArgumentException e) {
            LOG.debug("no data plane sealing key at {}: {}", dataPlaneKeyFile, e.getMessage());
            return Optional.empty();
        }
    }
}
