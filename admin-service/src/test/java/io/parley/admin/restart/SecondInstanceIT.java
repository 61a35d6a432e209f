package io.parley.admin.restart;

import io.parley.testsupport.KafkaResource;
import io.parley.testsupport.OidcResource;
import io.parley.testsupport.PostgresResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

/** One of the two service starts of {@link RestartRoundTrip} (which runs first does not matter). */
@QuarkusTest
@TestProfile(SecondInstanceIT.Profile.class)
@WithTestResource(KafkaResource.class)
@WithTestResource(value = PostgresResource.class, initArgs = @ResourceArg(name = "database", value = "admin_restart"))
@WithTestResource(OidcResource.class)
class SecondInstanceIT extends RestartRoundTrip {

    /** A profile of its own, so this class gets a service start of its own. */
    public static class Profile extends MovedAdminGroup {
    }
}
