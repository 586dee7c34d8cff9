package io.normalcy.trainer.service;

import io.normalcy.trainer.config.ConfigException;
import org.junit.jupiter.api.Test;

import java.security.Key;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.util.Base64;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SigningTest {
    @Test
    void noKeyMeansUnsigned() {
        assertNull(Signing.key(null, " "));
    }

    @Test
    void hmacKeyIsDecodedAndValidated() {
        Key k = Signing.key(null, Base64.getEncoder().encodeToString(new byte[32]));
        assertEquals("HmacSHA256", k.getAlgorithm());
        ConfigException notBase64 = assertThrows(ConfigException.class, () -> Signing.key(null, "%%%"));
        assertEquals("normalcy.trainer.hmac-key", notBase64.key());
        ConfigException tooShort = assertThrows(ConfigException.class,
                () -> Signing.key(null, Base64.getEncoder().encodeToString(new byte[4])));
        assertTrue(tooShort.getMessage().contains("too short"));
    }

    @Test
    void ed25519KeyIsPreferredAndBadOnesNameTheProperty() throws Exception {
        PrivateKey pk = KeyPairGenerator.getInstance("Ed25519").generateKeyPair().getPrivate();
        Key k = Signing.key(Base64.getEncoder().encodeToString(pk.getEncoded()), Base64.getEncoder().encodeToString(new byte[32]));
        assertTrue(k.getAlgorithm().equals("EdDSA") || k.getAlgorithm().equals("Ed25519"), k.getAlgorithm());
        ConfigException e = assertThrows(ConfigException.class, () -> Signing.key("AAAA", null));
        assertEquals("normalcy.trainer.ed25519-private-key", e.key());
    }

    @Test
    void theKeyIdTravelsWithTheKeyAndABadOneNamesTheProperty() {
        String hmac = Base64.getEncoder().encodeToString(new byte[32]);
        assertTrue(!Signing.signer(signing(null, "default")).enabled(), "no key: unsigned");
        assertEquals("default", Signing.signer(signing(hmac, "default")).keyId());
        assertEquals("k2026", Signing.signer(signing(hmac, "k2026")).keyId());
        ConfigException e = assertThrows(ConfigException.class, () -> Signing.signer(signing(hmac, "k 2026")));
        assertEquals("normalcy.trainer.signing-key-id", e.key());
    }

    private static io.normalcy.trainer.config.TrainerConfig signing(String hmacKey, String keyId) {
        return new io.normalcy.trainer.config.TrainerConfig(io.normalcy.trainer.config.Isolation.IN_PROCESS, "t", "models",
                1, java.util.List.of(), java.time.Duration.ofHours(2), false, 10, java.time.Duration.ofMinutes(5), hmacKey,
                null, keyId, 5);
    }
}
