//! A closed set of code names with their Japanese labels, as the glossary lists them.
//! One macro so that every such set parses, prints and lists itself the same way.

/// Declares an enum whose variants carry a stable English code (schema, API, CLI) and a
/// Japanese label (screens, reports).
macro_rules! code_enum {
    ($(#[$meta:meta])* $name:ident, $what:literal { $($variant:ident => $code:literal, $ja:literal;)+ }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum $name { $($variant,)+ }

        impl $name {
            /// Every value, in the glossary's order.
            pub const ALL: &'static [$name] = &[$($name::$variant,)+];

            /// Every (code, Japanese label) pair, in the glossary's order: what a ledger's
            /// choice column offers.
            pub const CHOICES: &'static [(&'static str, &'static str)] = &[$(($code, $ja),)+];

            /// The code name stored in the database and used in files and URLs.
            pub fn code(self) -> &'static str {
                match self { $($name::$variant => $code,)+ }
            }

            /// The Japanese word shown to users.
            pub fn label_ja(self) -> &'static str {
                match self { $($name::$variant => $ja,)+ }
            }

            /// Parses a code name or the Japanese label.
            pub fn parse(s: &str) -> Result<Self, $crate::DomainError> {
                let s = s.trim();
                $(if s == $code || s == $ja { return Ok($name::$variant); })+
                Err($crate::DomainError::UnknownCode { what: $what, value: s.to_string() })
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.code())
            }
        }

        impl std::str::FromStr for $name {
            type Err = $crate::DomainError;
            fn from_str(s: &str) -> Result<Self, Self::Err> { Self::parse(s) }
        }
    };
}

pub(crate) use code_enum;
