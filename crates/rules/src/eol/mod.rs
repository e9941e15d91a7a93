//! End of vendor support: the catalogue of release cycles and the recognition of the
//! names cities write in their ledgers.

mod catalogue;
mod identify;

pub use catalogue::{
    BUNDLED_SOURCE, Catalogue, CatalogueError, End, Product, Release, parse_api_json, parse_iso,
    parse_yaml,
};
pub use identify::Identified;
