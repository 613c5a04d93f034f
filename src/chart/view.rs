//! view
pub struct View;
pub enum Range {}
