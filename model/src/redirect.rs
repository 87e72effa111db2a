//! Where the portal may send a user after logging in.

/// `next` when it is a path of this portal (not the login page itself), else `/`.
///
/// Browsers read `\` as `/` and drop tabs and newlines from addresses, so `/\evil.example`
/// and `/<tab>/evil.example` mean `//evil.example`: another site. Only a path that starts with
/// exactly one `/` and holds no backslash, control character or space is kept.
pub fn safe_next(next: Option<&str>) -> &str {
    match next {
        Some(path) if is_own_path(path) && !is_login(path) => path,
        _ => "/",
    }
}

fn is_own_path(path: &str) -> bool {
    let mut chars = path.chars();
    chars.next() == Some('/')
        && chars.next() != Some('/')
        && !path.chars().any(|c| c == '\\' || c.is_control() || c.is_whitespace())
}

fn is_login(path: &str) -> bool {
    path == "/login"
        || path.starts_with("/login?")
        || path.starts_with("/login/")
        || path.starts_with("/login#")
}

#[cfg(test)]
mod tests {
    use super::safe_next;

    #[test]
    fn paths_of_the_portal_are_kept() {
        for path in ["/", "/profile", "/chargers/V2C1234567?tab=settings", "/history#top", "/loginhelp"] {
            assert_eq!(safe_next(Some(path)), path);
        }
    }

    #[test]
    fn anything_that_could_leave_the_site_goes_home() {
        for next in [
            "//evil.example",
            "/\\evil.example",
            "\\\\evil.example",
            "/\t/evil.example",
            "/\n/evil.example",
            "/\r\n/evil.example",
            "/ /evil.example",
            "https://evil.example",
            "javascript:alert(1)",
            "evil.example",
            "",
            "/login",
            "/login?next=/profile",
        ] {
            assert_eq!(safe_next(Some(next)), "/", "{next:?}");
        }
        assert_eq!(safe_next(None), "/");
    }
}
