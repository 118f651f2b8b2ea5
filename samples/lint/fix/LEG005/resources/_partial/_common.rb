property :owner, String, default: 'root'
