//! The request every generated builder wraps: an operation's definition and the argument
//! values set so far. Building is separate from sending: `preview` shows the first HTTP request
//! without a server.

use super::defs::OpDef;
use super::error::Error;
use super::session::Client;
use super::{ArgValue, Reply};

/// An operation with its argument values, ready to send.
#[derive(Debug, Clone)]
pub struct Request<'a> {
    client: &'a Client,
    op: &'static OpDef,
    values: Vec<ArgValue>,
}

impl<'a> Request<'a> {
    pub fn new(client: &'a Client, op: &'static OpDef) -> Self {
        Request {
            client,
            op,
            values: vec![ArgValue::Absent; op.args.len()],
        }
    }

    /// Set the value of the argument at `index` (in `op.args` order).
    pub fn set(&mut self, index: usize, value: impl Into<ArgValue>) {
        if let Some(slot) = self.values.get_mut(index) {
            *slot = value.into();
        }
    }

    /// The operation's definition.
    pub fn op(&self) -> &'static OpDef {
        self.op
    }

    /// The value given for an argument, by name.
    pub fn value(&self, name: &str) -> Option<&ArgValue> {
        let i = self.op.args.iter().position(|a| a.name == name)?;
        self.values.get(i).filter(|v| !v.is_absent())
    }

    /// The HTTP request the first step would send: method, path (relative to the service
    /// endpoint), query and body. Nothing is sent.
    pub fn preview(&self) -> Result<super::call::Planned, Error> {
        self.client.plan(self.op, &self.values)
    }

    /// Send the request(s); the builders decode the reply into their result type.
    pub fn send(self) -> Result<Reply, Error> {
        self.client.call(self.op, &self.values)
    }
}
