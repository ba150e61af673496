//! How flavors, images and key pairs look on the wire at a microversion.

use super::{Flavor, Image, Keypair, Mv, PROJECT_ID};
use serde_json::{json, Value};
use std::time::Duration;

/// Render context: where links point and which microversion is asked for.
pub struct View<'a> {
    pub base: &'a str,
    pub mv: Mv,
    pub build_time: Duration,
}

impl View<'_> {
    pub fn at(&self, v: Mv) -> bool {
        self.mv >= v
    }

    pub fn links(&self, collection: &str, id: &str) -> Value {
        json!([
            {"href": format!("{}/compute/v2.1/{collection}/{id}", self.base), "rel": "self"},
            {"href": format!("{}/compute/{collection}/{id}", self.base), "rel": "bookmark"},
        ])
    }

    pub fn flavor_summary(&self, f: &Flavor) -> Value {
        let mut o = json!({"id": f.id, "name": f.name, "links": self.links("flavors", &f.id)});
        if self.at((2, 55)) {
            o["description"] = json!(f.description);
        }
        o
    }

    pub fn flavor(&self, f: &Flavor) -> Value {
        let mut o = self.flavor_summary(f);
        o["ram"] = json!(f.ram);
        o["disk"] = json!(f.disk);
        o["vcpus"] = json!(f.vcpus);
        o["OS-FLV-EXT-DATA:ephemeral"] = json!(f.ephemeral);
        o["os-flavor-access:is_public"] = json!(f.is_public);
        if !self.at((2, 102)) {
            o["OS-FLV-DISABLED:disabled"] = json!(false);
            o["rxtx_factor"] = json!(f.rxtx_factor);
        }
        o["swap"] = if self.at((2, 75)) || f.swap != 0 {
            json!(f.swap)
        } else {
            json!("")
        };
        if self.at((2, 61)) {
            o["extra_specs"] = Value::Object(f.extra_specs.clone());
        }
        o
    }

    /// (Glance status, progress) of an image.
    fn image_status(&self, i: &Image) -> (&'static str, i64) {
        if i.started.elapsed() >= i.save_time {
            ("active", 100)
        } else {
            ("saving", 25)
        }
    }

    /// Glance v2's image shape; extra properties sit at the top level.
    pub fn glance_image(&self, i: &Image) -> Value {
        let (status, _) = self.image_status(i);
        let active = status == "active";
        // Glance's base properties are all sent, null until the data is uploaded. The
        // checksum and hash stand in for digests of data this cloud does not hold.
        let digest = i.id.replace('-', "");
        let or_null = |v: Value| if active { v } else { Value::Null };
        let mut o = json!({
            "id": i.id, "name": i.name, "status": status, "visibility": "public",
            "protected": false, "os_hidden": false, "owner": PROJECT_ID,
            "checksum": or_null(json!(digest)),
            "os_hash_algo": or_null(json!("sha512")),
            "os_hash_value": or_null(json!(digest.repeat(4))),
            "size": or_null(json!(i.size)),
            "virtual_size": null,
            "min_disk": i.min_disk, "min_ram": i.min_ram,
            "disk_format": "qcow2", "container_format": "bare",
            "created_at": i.created, "updated_at": i.created, "tags": [],
            "self": format!("/v2/images/{}", i.id), "file": format!("/v2/images/{}/file", i.id),
            "schema": "/v2/schemas/image",
        });
        if let Value::Object(m) = &mut o {
            for (k, v) in &i.properties {
                m.insert(k.clone(), v.clone());
            }
        }
        o
    }

    /// nova's `/images` proxy shape (up to 2.35); `single` for `GET /images/{id}`, where the
    /// seeded image shows its disk config (nova shows it for images with auto_disk_config).
    pub fn nova_image(&self, i: &Image, detail: bool, single: bool) -> Value {
        let mut o = json!({"id": i.id, "name": i.name, "links": self.links("images", &i.id)});
        if detail {
            let (status, progress) = self.image_status(i);
            o["status"] = json!(status.to_uppercase());
            o["progress"] = json!(progress);
            o["minDisk"] = json!(i.min_disk);
            o["minRam"] = json!(i.min_ram);
            o["created"] = json!(i.created);
            o["updated"] = json!(i.created);
            o["metadata"] = Value::Object(i.properties.clone());
            o["OS-EXT-IMG-SIZE:size"] = json!(i.size);
            if single {
                o["OS-DCF:diskConfig"] = json!("AUTO");
            }
            if let Some(server) = i.properties.get("instance_uuid").and_then(Value::as_str) {
                o["server"] = json!({"id": server, "links": self.links("servers", server)});
            }
        }
        o
    }

    pub fn keypair_summary(&self, k: &Keypair) -> Value {
        let mut o =
            json!({"name": k.name, "public_key": k.public_key, "fingerprint": k.fingerprint});
        if self.at((2, 2)) {
            o["type"] = json!(k.key_type);
        }
        o
    }

    pub fn keypair(&self, k: &Keypair) -> Value {
        let mut o = self.keypair_summary(k);
        o["user_id"] = json!(k.user_id);
        o["deleted"] = json!(false);
        o["created_at"] = json!(k.created_at);
        o["updated_at"] = Value::Null;
        o["deleted_at"] = Value::Null;
        o["id"] = json!(k.id);
        o
    }
}
