/** Attribution of AWS sessions to break-glass grants: what a CloudTrail record says about its session, and the IAM Identity Center names a grant's session is known by. */
package io.glasswatch.streams.attribution;
