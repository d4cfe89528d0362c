"Data manifests (JSON) shipped with sr_colab; read them with `sr_colab.manifests.load_manifest(name)`."
