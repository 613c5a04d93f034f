pub mod m4;
