"""The versioned JSON API under /api/v1/ (Django REST framework, schema by drf-spectacular).

- `authentication`: personal access tokens (Bearer) and the browser's session with its CSRF check.
- `permissions`: the workspace's rules (`tracker.permissions`) and the token's scope.
- `throttling`: the rate limit per token; `parsers`: JSON that cannot crash the view.
- `errors`: every error as RFC 9457 problem details; `pagination`: cursors.
- `serializers`: what goes out; `inputs`: what a write takes in.
- `views` (reads), `writes`, `reports`, `readouts`: the endpoints; `urls`: their addresses.

Every write goes through `tracker.services`, as the workspace's forms do.
"""
