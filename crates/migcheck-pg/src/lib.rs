pub mod conn;
pub mod server;
pub mod supabase;
