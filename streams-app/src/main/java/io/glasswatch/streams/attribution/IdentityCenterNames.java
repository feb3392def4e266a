package io.glasswatch.streams.attribution;

/**
 * Names of IAM Identity Center objects that a grant's AWS sessions are known by (SPEC 1.6): a permission set
 * provisions the role {@code AWSReservedSSO_<permission set name>_<suffix>} in each account it is assigned
 * to, and a user's sessions of that role are named after the user's user name. Implementations answer null
 * when they do not know a name; they never throw for an unknown id.
 *
 * <p>Order of the sources (stage B, {@code GrantSessions}): the names the grant's assignment carries, then the
 * policy's {@code identityCenterNames} table, then this look-up. Replay uses {@link #NONE}: it stays
 * deterministic and makes no AWS call.
 */
public interface IdentityCenterNames {
  /** Knows no name (replay, tests, look-ups disabled). */
  IdentityCenterNames NONE = new IdentityCenterNames() {
    @Override
    public String permissionSetName(String instanceArn, String permissionSetArn) {
      return null;
    }

    @Override
    public String userName(String instanceArn, String principalId) {
      return null;
    }
  };

  /**
   * The name of a permission set (SSO Admin {@code DescribePermissionSet} {@code PermissionSet.Name}), or null.
   *
   * @param instanceArn the Identity Center instance, {@code arn:aws:sso:::instance/ssoins-...}
   * @param permissionSetArn the permission set, {@code arn:aws:sso:::permissionSet/ssoins-.../ps-...}
   */
  String permissionSetName(String instanceArn, String permissionSetArn);

  /**
   * The user name of an Identity Store user (Identity Store {@code DescribeUser} {@code UserName}), or null.
   *
   * @param instanceArn the Identity Center instance whose identity store holds the user
   * @param principalId the identity store user id of the assignment's principal
   */
  String userName(String instanceArn, String principalId);
}
