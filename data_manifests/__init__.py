"Data manifests (JSON) shipped with sr_colab; read them with `sr_colab.data.load_manifest(name)`."
